/** Token tests shared by the fingerprint's normalizing stages (normalize-forms.ts, cast-stage.ts): no allocation, char codes only. */
import { FIXED_CAST, Tok } from './lexer.ts';

export const CH_LPAREN = 40;
export const CH_RPAREN = 41;
export const CH_DOT = 46;
export const CH_COLON = 58;
export const CH_DQUOTE = 34;

export function wordIs(sql: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((sql.charCodeAt(start + i) | 32) !== word.charCodeAt(i)) return false;
  }
  return true;
}

export function isPunct(sql: string, type: Tok, start: number, end: number, c: number): boolean {
  return type === Tok.Punct && end - start === 1 && sql.charCodeAt(start) === c;
}

export function isCastOp(sql: string, type: Tok, start: number, end: number): boolean {
  return (type === Tok.Fixed && start === FIXED_CAST) || (type === Tok.Punct && end - start === 2 && sql.charCodeAt(start) === CH_COLON && sql.charCodeAt(start + 1) === CH_COLON);
}
