// The files of every ecosystem as glob patterns, for the editor's document selector and file
// watchers. Written by `npm run generate` from the plugins (server/src/core/ecosystems/): do not
// edit; a test checks it is current.

export const ECOSYSTEM_DOCUMENT_PATTERNS: readonly string[] = [
  // npm (ecosystems/npm/)
  '**/package.json',
  '**/{package-lock.json,npm-shrinkwrap.json}',
  // Python (ecosystems/pypi/)
  '**/{requirements*.txt,requirements*.in,requirements/*.txt,requirements/*.in}',
  '**/constraints*.txt',
  '**/pyproject.toml',
  '**/poetry.lock',
  '**/uv.lock',
  '**/Pipfile.lock',
  // Ruby (ecosystems/gem/)
  '**/{Gemfile.lock,gems.locked,*.rb.lock,*.gemfile.lock}',
  // Go (ecosystems/golang/)
  '**/go.sum',
  '**/go.mod',
  // Maven and Gradle (ecosystems/maven/)
  '**/pom.xml',
  '**/*.versions.toml',
  // Rust (ecosystems/cargo/)
  '**/Cargo.lock',
  '**/Cargo.toml',
  // Helm charts (ecosystems/helm/)
  '**/Chart.yaml',
  '**/Chart.lock',
  '**/{helmfile.yaml,helmfile.yml,helmfile.d/*.yaml,helmfile.d/*.yml}',
  // container images (ecosystems/oci/)
  '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*}',
  '**/spin.toml',
  '**/{compose,docker-compose}*.{yaml,yml}',
  '**/.github/workflows/*.{yaml,yml}',
  '**/values*.{yaml,yml}',
  '**/*.{yaml,yml}',
];
