'use strict';

// Egg's defaults, but for what Egg requires (cookie-signing keys) and one switch the project makes as well: CSRF off,
// so neither app answers a request by minting a csrfToken cookie (autocannon never sends it back).
module.exports = () => ({
  keys: process.env.EGG_KEYS || 'hello-egg-bench-keys',
  security: {
    csrf: { enable: false },
  },
});
