// Which preview an artifact gets, decided by its file name alone (the listing has no content type).

export type PreviewKind = 'text' | 'json' | 'yaml' | 'csv' | 'image' | 'html' | 'none';

const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'md', 'markdown', 'rst', 'py', 'ipynb', 'r', 'sh', 'bash', 'cfg', 'ini', 'toml',
  'conf', 'env', 'js', 'mjs', 'ts', 'tsx', 'jsx', 'java', 'scala', 'kt', 'go', 'rs', 'c', 'cc',
  'cpp', 'h', 'hpp', 'cs', 'rb', 'php', 'pl', 'sql', 'xml', 'jsonl', 'ndjson', 'out', 'err',
  'properties', 'gitignore', 'dockerfile', 'tex', 'css', 'lock',
]);
const YAML_EXTENSIONS = new Set(['yaml', 'yml']);
const CSV_EXTENSIONS = new Set(['csv', 'tsv', 'tab']);
const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'avif']);
const HTML_EXTENSIONS = new Set(['html', 'htm']);
// Files MLflow writes without an extension; MLmodel and MLproject are YAML.
const YAML_NAMES = new Set(['mlmodel', 'mlproject']);
const TEXT_NAMES = new Set(['license', 'readme', 'makefile', 'dockerfile', 'requirements', 'notice']);

export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function previewKindFor(path: string): PreviewKind {
  const name = baseName(path);
  const lowerName = name.toLowerCase();
  if (YAML_NAMES.has(lowerName)) return 'yaml';
  const ext = extensionOf(name);
  if (ext === '') return TEXT_NAMES.has(lowerName) ? 'text' : 'none';
  if (ext === 'json') return 'json';
  if (YAML_EXTENSIONS.has(ext)) return 'yaml';
  if (CSV_EXTENSIONS.has(ext)) return 'csv';
  if (IMAGE_EXTENSIONS.has(ext)) return 'image';
  if (HTML_EXTENSIONS.has(ext)) return 'html';
  if (TEXT_EXTENSIONS.has(ext)) return 'text';
  return 'none';
}
