// Reads a JSON object that a person handed over (an --auth or --input value, a file's content, a
// host request body) and, when it is not one, says where and what is wrong without quoting it.
// The reading is the form helpers' (forms/json-text.ts), so the page's JSON fields say the same.
export { JsonTextError, parseJsonObject } from '../forms/json-text.js';
