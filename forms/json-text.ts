// JSON that a person typed or handed over (a form's JSON field, an --auth or --input value, a
// file's content, a host request body): when it is not valid, say where and what is wrong
// without quoting it, since the text may be a credential and JSON.parse's own messages quote
// the start of it. Shared by the page's JSON fields, the CLI and the host server.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'a character that cannot start a JSON value (text needs double quotes)',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after a property name",
  CommaExpected: "expected ',' between entries",
  CloseBraceExpected: "expected '}' to close an object",
  CloseBracketExpected: "expected ']' to close a list",
  EndOfFileExpected: 'more text after the JSON value',
  InvalidCommentToken: 'a comment (JSON has none)',
  UnexpectedEndOfComment: 'an unclosed comment',
  UnexpectedEndOfString: 'a string that is not closed on its line (a line break or the end of the text inside quotes)',
  UnexpectedEndOfNumber: 'a number cut short',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'a malformed backslash escape',
  InvalidCharacter: 'a control character inside a string (write line breaks as \\n)',
};

export class JsonTextError extends Error {
  constructor(
    message: string,
    /** 1-based line and column of the first problem, when one was found. */
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'JsonTextError';
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** Where JSON.parse failed and why, in words that quote nothing of the text. */
function describeProblem(text: string): JsonTextError {
  if (text.trim() === '') return new JsonTextError('is empty');
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return new JsonTextError('is not valid JSON');
  const { line, column } = lineAndColumn(text, first.offset);
  const problem = PROBLEMS[printParseErrorCode(first.error)] ?? 'not valid JSON';
  return new JsonTextError(`is not valid JSON: ${problem} at line ${line}, column ${column}`, line, column);
}

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'a string' : `a ${typeof value}`);

/** Any JSON value in `text`; throws a JsonTextError naming the line and column of the problem. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw describeProblem(text);
  }
}

/**
 * The JSON object in `text`. Throws a JsonTextError whose message (completed by the caller with
 * where the text came from) names the line and column of the problem and never quotes the text.
 */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value = parseJsonText(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JsonTextError(`must be a JSON object ({ … }), not ${kindOf(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * What a form's JSON field holds: the parsed value, or the problem in words ("Not valid JSON:
 * expected ',' between entries at line 2, column 5"), for the field to show and to stop a run.
 * `object`: only a JSON object will do.
 */
export function readJsonField(text: string, options: { object?: boolean } = {}): { ok: true; value: unknown } | { ok: false; problem: string; line?: number; column?: number } {
  try {
    const value = options.object ? parseJsonObject(text) : parseJsonText(text);
    return { ok: true, value };
  } catch (error) {
    const { line, column } = error as JsonTextError;
    // "is not valid JSON: …" completes a sentence that names the source; a field names itself.
    const message = (error as JsonTextError).message.replace(/^is (not )?/, (_all, not: string | undefined) => (not ? 'not ' : ''));
    return { ok: false, problem: `${message.charAt(0).toUpperCase()}${message.slice(1)}.`, ...(line !== undefined ? { line, column } : {}) };
  }
}
