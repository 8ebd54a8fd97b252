/**
 * A small strict XML well-formedness checker for the SVG tests (no XML parser dependency, no xmllint on the
 * CI machine). It accepts the subset of XML a browser needs for our drawings and refuses anything that
 * would make a browser show "XML parsing error": unbalanced or crossed tags, unquoted or duplicate
 * attributes, raw '<' or bare '&' in text or attribute values, more than one root, junk after the root.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function checkText(text: string, where: string): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') throw new Error(`raw '<' in ${where}`);
    if (text[i] === '&') {
      const m = ENTITY.exec(text.slice(i));
      if (!m) throw new Error(`bare '&' in ${where}: "${text.slice(i, i + 12)}"`);
      i += m[0].length - 1;
    }
  }
}

/** Parse a document and return its root element; throws an Error saying what is wrong. */
export function parseXml(doc: string): XmlElement {
  let i = 0;
  const rest = () => doc.slice(i);
  const skipSpace = () => {
    while (i < doc.length && /\s/.test(doc[i]!)) i++;
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  skipSpace();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < doc.length) {
    if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (doc.startsWith('</', i)) {
      i += 2;
      const m = NAME.exec(rest());
      if (!m) throw new Error(`bad closing tag at ${i}`);
      i += m[0].length;
      skipSpace();
      if (doc[i] !== '>') throw new Error(`closing tag </${m[0]} not terminated`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`closing </${m[0]}> does not match <${open?.name ?? '(none)'}>`);
      continue;
    }
    if (doc[i] === '<') {
      i++;
      const m = NAME.exec(rest());
      if (!m) throw new Error(`bad tag name at ${i}`);
      i += m[0].length;
      const el: XmlElement = { name: m[0], attrs: {}, children: [] };
      for (;;) {
        const before = i;
        skipSpace();
        if (doc.startsWith('/>', i) || doc[i] === '>') break;
        if (i === before) throw new Error(`<${el.name}>: attributes must be separated by whitespace`);
        const a = NAME.exec(rest());
        if (!a) throw new Error(`<${el.name}>: bad attribute at ${i}: "${doc.slice(i, i + 10)}"`);
        i += a[0].length;
        if (doc[i] !== '=') throw new Error(`<${el.name}>: attribute ${a[0]} has no value`);
        i++;
        const q = doc[i];
        if (q !== '"' && q !== "'") throw new Error(`<${el.name}>: attribute ${a[0]} value is not quoted`);
        const end = doc.indexOf(q, i + 1);
        if (end < 0) throw new Error(`<${el.name}>: attribute ${a[0]} value not terminated`);
        const value = doc.slice(i + 1, end);
        checkText(value, `attribute ${a[0]} of <${el.name}>`);
        if (a[0] in el.attrs) throw new Error(`<${el.name}>: duplicate attribute ${a[0]}`);
        el.attrs[a[0]] = value;
        i = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new Error(`second root element <${el.name}>`);
      else root = el;
      if (doc.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
      continue;
    }
    const next = doc.indexOf('<', i);
    const text = doc.slice(i, next < 0 ? doc.length : next);
    if (stack.length === 0 && text.trim() !== '')
      throw new Error(`text outside the root element: "${text.trim().slice(0, 20)}"`);
    checkText(text, `text of <${stack[stack.length - 1]?.name ?? 'document'}>`);
    i = next < 0 ? doc.length : next;
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element in document order. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}
