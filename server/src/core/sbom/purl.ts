// The type of a package URL (`pypi` in `pkg:pypi/…`), without parsing the rest: enough to say
// which ecosystem an unverified component belongs to. Reading a purl as something to verify is
// each ecosystem's own (EcosystemPlugin.fromPurl, routed by ecosystems/registry.ts).

export function purlType(purl: string | undefined): string | undefined {
  return /^pkg:([a-zA-Z][\w.+-]*)\//.exec(purl ?? '')?.[1]?.toLowerCase();
}
