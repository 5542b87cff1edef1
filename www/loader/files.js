// Assent loader: the build's files. The compiled runtime configuration the snippet
// names (`data-config`, `config.<digest>.json` of `assent build`) and, beside it in
// the same folder, the files read later: the banner's words (`banner.<lang>.json`),
// the dialog's disclosures and the receipt's texts (`disclosures.<digest>.json`,
// `texts.<digest>.json`). Each file is fetched once per page view, and none is used
// unless it is of this format and of the same build as the compiled configuration
// (the runtime and the interface check the structure again, in Rust). A failure here
// grants nothing: it only stops what needed the file, and the console names the file.

const FORMAT = 1;
const COMPILE = 'compile it with `assent build` and name its config.<digest>.json in data-config';

async function fetchJson(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`${url} is not JSON: ${COMPILE}`);
  }
}

/** The compiled configuration at `url`: a source configuration, or a file of another
 * format, is refused, naming the file. */
export async function loadCompiled(url) {
  const file = await fetchJson(url);
  if (file && typeof file === 'object' && 'assentConfig' in file) {
    throw new Error(`${url} is a source configuration, not a compiled one: ${COMPILE}`);
  }
  if (file?.format !== FORMAT || typeof file.digest !== 'string') {
    throw new Error(`${url} is not a compiled configuration of format ${FORMAT}: ${COMPILE}`);
  }
  return file;
}

/** A file of the same build, beside the compiled configuration. The promise is kept,
 * so the file is fetched once; a failed fetch is forgotten and tried again next time. */
export function buildFile(session, name) {
  const files = (session.files ||= new Map());
  if (!files.has(name)) {
    const url = new URL(name, session.configUrl).href;
    const loading = fetchJson(url).then((file) => {
      if (file?.format !== FORMAT || file.digest !== session.digest) {
        // A file that arrived whole but is not this build's: no retry or stand-in helps.
        throw Object.assign(new Error(`${url} is not of the build of ${session.configUrl} (digest ${file?.digest}, expected ${session.digest}): serve the files of one build together, as \`assent build\` wrote them`), { foreign: true });
      }
      return file;
    });
    loading.catch(() => files.delete(name));
    files.set(name, loading);
  }
  return files.get(name);
}

/** The receipt's and the permission notice's texts. */
export const texts = (session) => buildFile(session, `texts.${session.digest}.json`);
