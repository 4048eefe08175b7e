const base = require('../../jest.preset.cjs')(__dirname);
// Real daemons: slower than unit tests, and run one file at a time so that 2 cores are not oversubscribed.
module.exports = { ...base, testTimeout: 120000, maxWorkers: 1 };
