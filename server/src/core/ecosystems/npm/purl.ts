// Package URLs for npm, spelled the way npm writes them into provenance subjects
// (`pkg:npm/%40scope/name@1.2.3`): the scope's @ is percent-encoded.

export function npmPurl(name: string, version: string): string {
  const encodedName = name.startsWith('@') ? '%40' + name.slice(1) : name;
  return `pkg:npm/${encodedName}@${version}`;
}
