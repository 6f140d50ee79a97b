// A strict little XML reader for the tests: elements, attributes, entities; throws on anything malformed.

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const value = ENTITIES[entity];
    if (value === undefined) throw new Error(`unknown entity &${entity};`);
    return value;
  });
}

export function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${at}: ${JSON.stringify(source.slice(at, at + 40))}`);
  };
  const skipSpace = () => {
    while (/\s/.test(source[at] ?? '')) at++;
  };
  if (source.startsWith('<?xml')) {
    at = source.indexOf('?>') + 2;
    if (at < 2) fail('unterminated XML declaration');
  }

  const element = (): XmlElement => {
    skipSpace();
    const open = /^<([A-Za-z_][\w.:-]*)/.exec(source.slice(at));
    if (!open) return fail('expected an element');
    at += open[0].length;
    const name = open[1]!;
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name, attributes, children: [] };
      }
      if (source[at] === '>') {
        at++;
        break;
      }
      const attribute = /^([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/.exec(source.slice(at));
      if (!attribute) return fail(`malformed attribute in <${name}>`);
      if (attribute[1]! in attributes) fail(`duplicate attribute ${attribute[1]}`);
      attributes[attribute[1]!] = decode(attribute[2]!);
      at += attribute[0].length;
    }
    const children: XmlElement[] = [];
    for (;;) {
      skipSpace();
      if (source.startsWith(`</${name}>`, at)) {
        at += name.length + 3;
        return { name, attributes, children };
      }
      if (source.startsWith('</', at)) fail(`mismatched close tag for <${name}>`);
      if (source[at] !== '<') fail(`unexpected text in <${name}>`);
      children.push(element());
    }
  };

  const root = element();
  skipSpace();
  if (at !== source.length) fail('content after the root element');
  return root;
}

/** Every descendant (or self) with that name, in document order. */
export function elements(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((child) => elements(child, name))];
}

export function only(root: XmlElement, name: string): XmlElement {
  const found = elements(root, name);
  if (found.length !== 1) throw new Error(`expected one <${name}>, found ${found.length}`);
  return found[0]!;
}
