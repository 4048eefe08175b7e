const path = require('node:path');
const base = require('../../jest.preset.cjs')(__dirname);
// The browser tests drive Debian's chromium against real daemons: installed once by globalSetup, run one file at
// a time (the machine is small and each file starts a master, an agent and a browser).
module.exports = {
  ...base,
  globalSetup: path.join(__dirname, 'test/global-setup.cjs'),
  testTimeout: 120000,
  maxWorkers: 1,
};
