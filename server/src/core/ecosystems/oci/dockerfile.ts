// Dockerfile / Containerfile → the images it builds from: every FROM (skipping `scratch` and
// earlier stages, substituting global ARGs whose default is known) and every COPY --from that
// names an image rather than a stage. dockerfile-ast does the parsing; ranges are its ranges.

import { DockerfileParser } from 'dockerfile-ast';
import type { Dependency, ImageFile, ParseProblem, Range } from '../../dependency';
import { isImageReference, parseImageReference } from '../../formats/imageReference';
import { imageDependency } from '../../formats/yamlImages';

export function parseDockerfile(text: string): ImageFile {
  const dockerfile = DockerfileParser.parse(text);
  const images: Dependency[] = [];
  const problems: ParseProblem[] = [];
  const stages = new Set<string>();
  // Only ARGs declared before the first FROM are in scope for FROM lines.
  const globalArgs = new Map<string, string | undefined>();
  const firstFrom = dockerfile.getFROMs()[0]?.getRange().start.line ?? Infinity;
  for (const arg of dockerfile.getARGs()) {
    const property = arg.getProperty();
    if (property && arg.getRange().start.line < firstFrom) globalArgs.set(property.getName(), property.getValue() ?? undefined);
  }

  const add = (written: string, range: Range, nameRange: Range | null, source: string, platform?: string) => {
    const substituted = substitute(written, globalArgs);
    if ('missing' in substituted) {
      problems.push({
        code: 'image-unresolved',
        range,
        message: `The image depends on build argument ${substituted.missing}, which has no default here; it cannot be verified.`,
      });
      return;
    }
    const ref = parseImageReference(substituted.value);
    if (!isImageReference(ref)) {
      problems.push({ code: 'image-invalid', range, message: `"${substituted.value}" is not an image reference: ${ref.error}.` });
      return;
    }
    images.push({ ...imageDependency(ref, range, nameRange ?? undefined, source), platform });
  };

  for (const from of dockerfile.getFROMs()) {
    const written = from.getImage();
    const range = from.getImageRange();
    if (!written || !range) {
      problems.push({ code: 'image-invalid', range: from.getRange(), message: 'FROM needs an image.' });
      continue;
    }
    const isStage = stages.has(written.toLowerCase());
    const stage = from.getBuildStage();
    if (stage) stages.add(stage.toLowerCase());
    if (isStage || written.toLowerCase() === 'scratch') continue;
    add(written, range, from.getImageNameRange(), stage ? `FROM (stage ${stage})` : 'FROM', from.getPlatformFlag()?.getValue() ?? undefined);
  }
  for (const copy of dockerfile.getCOPYs()) {
    const flag = copy.getFromFlag();
    const value = flag?.getValue();
    const range = flag?.getValueRange();
    // --from names a stage (by name or index) or an image.
    if (!value || !range || stages.has(value.toLowerCase()) || /^\d+$/.test(value)) continue;
    add(value, range, null, 'COPY --from');
  }
  return { images, problems };
}

/** `${NAME}`, `$NAME`, `${NAME:-default}` and `${NAME-default}`, from ARG defaults. */
function substitute(text: string, args: Map<string, string | undefined>): { value: string } | { missing: string } {
  let missing: string | undefined;
  const value = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_all, braced: string, fallback: string | undefined, bare: string) => {
      const name = braced ?? bare;
      const v = args.get(name) || fallback;
      if (v === undefined || v === '') missing ??= name;
      return v ?? '';
    },
  );
  return missing ? { missing } : { value };
}
