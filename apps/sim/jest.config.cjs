const base = require('../../jest.preset.cjs')(__dirname);
// The integration test runs a master and simulated agents in one process: one file at a time on 2 cores.
module.exports = { ...base, testTimeout: 60000, maxWorkers: 1 };
