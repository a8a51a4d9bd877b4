// The files of each plugin ecosystem as glob patterns, for the editor's document selector (the
// client imports this small module; the plugins themselves stay in the server).

export const ECOSYSTEM_DOCUMENT_PATTERNS: readonly string[] = [
  // Python (ecosystems/pypi.ts)
  '**/{requirements*.txt,requirements*.in,requirements/*.txt,requirements/*.in,constraints*.txt,pyproject.toml,poetry.lock,uv.lock,Pipfile.lock}',
  // Ruby (ecosystems/rubygems.ts)
  '**/{Gemfile.lock,gems.locked,*.rb.lock,*.gemfile.lock}',
  // Go (ecosystems/golang.ts)
  '**/{go.mod,go.sum}',
  // Maven and Gradle (ecosystems/maven.ts)
  '**/{pom.xml,*.versions.toml}',
  // Rust (ecosystems/cargo.ts)
  '**/{Cargo.toml,Cargo.lock}',
  // Helm (ecosystems/helm.ts; Chart.yaml is YAML, which the editor sends anyway)
  '**/{Chart.yaml,Chart.lock,helmfile.yaml,helmfile.yml,helmfile.d/*.yaml}',
  // WebAssembly: Spin application manifests (ecosystems/oci/spinManifest.ts; wasmCloud manifests are YAML)
  '**/spin.toml',
];
