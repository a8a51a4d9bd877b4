// What an OCI manifest holds, from its media types: a container image, a Helm chart
// (`application/vnd.cncf.helm.config.v1+json`, `…chart.content.v1.tar+gzip` layers) or a
// WebAssembly module or component (the wasm config and layer types of the CNCF TAG Runtime
// artifact layout, `application/wasm` layers of older tools). Shown in hovers and the tree; it does
// not change how the artifact is verified (cosign semantics for all).

import type { Manifest } from './ociClient';

export type ArtifactKind = 'container image' | 'Helm chart' | 'WebAssembly module' | 'OCI artifact';

const HELM = /^application\/vnd\.cncf\.helm\.(config\.v1\+json|chart\.content\.v1\.tar\+gzip)$/;
const WASM = /^application\/(wasm|vnd\.wasm\.[\w.+-]+|vnd\.module\.wasm\.[\w.+-]+)$/;
const IMAGE_CONFIG = /^application\/vnd\.(oci\.image\.config\.v1\+json|docker\.container\.image\.v1\+json)$/;

export function artifactKind(json: Manifest['json']): ArtifactKind {
  const types = [json.artifactType, json.config?.mediaType, ...(json.layers ?? []).map((l) => l.mediaType)].filter((t): t is string => typeof t === 'string');
  if (types.some((t) => HELM.test(t))) return 'Helm chart';
  if (types.some((t) => WASM.test(t))) return 'WebAssembly module';
  // An index of platform images, or an image config: a container image.
  if (json.manifests || !json.config?.mediaType || IMAGE_CONFIG.test(json.config.mediaType)) return 'container image';
  return 'OCI artifact';
}
