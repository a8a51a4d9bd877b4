// SBOMs made in tests with the CycloneDX library's own model and serializer (as a tool would
// write them): npm components with their purls, SHA-512 hashes and licences, a root that depends on them.

import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';

export interface NpmComponent {
  name: string;
  version: string;
  /** The tarball's sha512 as hex (npm integrity decoded). */
  sha512Hex?: string;
  license?: string;
}

export function cycloneDxJson(components: NpmComponent[], spec = Spec.Spec1dot6): string {
  return new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec)).serialize(bomOf(components), { space: 2 });
}

/** The same SBOM in CycloneDX XML (the library's XML serializer). */
export function cycloneDxXml(components: NpmComponent[], spec = Spec.Spec1dot6): string {
  return new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec)).serialize(bomOf(components), { space: 2 });
}

function bomOf(components: NpmComponent[]): Models.Bom {
  const bom = new Models.Bom();
  bom.metadata.component = new Models.Component(Enums.ComponentType.Application, 'app', { bomRef: 'app' });
  for (const c of components) {
    const [namespace, name] = c.name.startsWith('@') ? c.name.split('/') : [undefined, c.name];
    const purl = new PackageURL('npm', namespace, name, c.version);
    const component = new Models.Component(Enums.ComponentType.Library, name, {
      group: namespace,
      version: c.version,
      bomRef: purl.toString(),
      purl: purl as never,
    });
    if (c.sha512Hex) component.hashes.set(Enums.HashAlgorithm['SHA-512'], c.sha512Hex);
    if (c.license) component.licenses.add(new Models.SpdxLicense(c.license));
    bom.components.add(component);
    bom.metadata.component.dependencies.add(component.bomRef);
  }
  return bom;
}

/** npm's `sha512-<base64>` integrity as the hex an SBOM records. */
export function integrityToHex(integrity: string): string {
  return Buffer.from(integrity.replace(/^sha512-/, ''), 'base64').toString('hex');
}
