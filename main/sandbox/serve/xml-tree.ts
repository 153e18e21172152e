// Owns the tiny XML tree used by wowza_liveConversionProfile.serve and its pretty printer
// (`<?xml version="1.0"?>`, 2-space indent, empty elements as <Name/>), matching Kaltura's DOM output.
import { xmlEscape } from '../wire/serialize.js';

export interface XmlNode {
  name: string;
  text?: string;
  children?: XmlNode[];
}

export const el = (name: string, ...children: XmlNode[]): XmlNode => ({ name, children });
export const leaf = (name: string, value: string | number | boolean): XmlNode => ({ name, text: String(value) });

export function printXml(root: XmlNode): string {
  const lines: string[] = ['<?xml version="1.0"?>'];
  const walk = (node: XmlNode, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (node.text !== undefined) lines.push(`${pad}<${node.name}>${xmlEscape(node.text)}</${node.name}>`);
    else if (!node.children || node.children.length === 0) lines.push(`${pad}<${node.name}/>`);
    else {
      lines.push(`${pad}<${node.name}>`);
      for (const child of node.children) walk(child, depth + 1);
      lines.push(`${pad}</${node.name}>`);
    }
  };
  walk(root, 0);
  return lines.join('\n') + '\n';
}
