/**
 * Runtime fix for bcoin 1.0.2 on leveldown 6 (package.json overrides leveldown to 6.1.1 because
 * leveldown 4 does not build on Node 20; see /work/shared/ENVIRONMENT.md).
 *
 * bcoin's database layer (bdb 0.2.3) passes every range option to the iterator, unset ones as
 * `null` ({gte, lte, gt: null, lt: null}). leveldown 4 ignored null bounds; abstract-leveldown 7
 * (under leveldown 6) serializes them as real bounds, so EVERY range scan on disk returns nothing.
 * Point lookups still work, which hides the bug: blocks, /tx/:hash and restarts look fine, but
 * the address index (`--index-address`: /coin/address, /tx/address) is always empty on disk
 * (the in-memory backend is unaffected). Dropping null/undefined bounds restores leveldown 4's
 * behaviour. Load this before the node opens its database:
 *   node --require ./scripts/bcoin-leveldown-fix.cjs node_modules/bcoin/bin/node ...
 * (scripts/bcoin-node.mjs requires it itself).
 */
'use strict';

const { createRequire } = require('node:module');

const RANGE_OPTIONS = ['gt', 'gte', 'lt', 'lte'];
const PATCHED = Symbol.for('keystead.bcoin-leveldown-fix');

function applyBcoinLeveldownFix() {
  // Resolve leveldown exactly as bdb does, in case it is ever nested under bdb.
  const requireFromBdb = createRequire(require.resolve('bdb'));
  const LevelDOWN = requireFromBdb('leveldown');
  const proto = LevelDOWN.prototype;
  if (proto[PATCHED]) return;
  const iterator = proto.iterator;
  proto.iterator = function iteratorWithoutNullBounds(options) {
    if (options && typeof options === 'object') {
      const cleaned = { ...options };
      for (const key of RANGE_OPTIONS) if (cleaned[key] == null) delete cleaned[key];
      return iterator.call(this, cleaned);
    }
    return iterator.call(this, options);
  };
  proto[PATCHED] = true;
}

applyBcoinLeveldownFix();

module.exports = { applyBcoinLeveldownFix };
