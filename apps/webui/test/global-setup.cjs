// Installs Debian's chromium when it is missing (tools/scripts/ensure-chromium.sh), before any browser test runs.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync('bash', [path.join(__dirname, '../../../tools/scripts/ensure-chromium.sh')], { stdio: 'inherit' });
};
