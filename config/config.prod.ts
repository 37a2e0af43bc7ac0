import { checkMediaSecrets, DefaultConfig, DEVELOPMENT_SECRETS } from './config.default';

type SecretName = keyof typeof DEVELOPMENT_SECRETS;

// Production takes its secrets from the environment only: an unset secret, or its development value, stops the start.
function secret(name: SecretName): string {
  const value = process.env[name];
  if (!value || value === DEVELOPMENT_SECRETS[name]) {
    throw new Error(`[cilicl-live] ${name} must be set to a secret of your own in production (EGG_SERVER_ENV=prod); refusing to start with the development default`);
  }
  return value;
}

export default () => {
  const config: DefaultConfig = {};

  config.keys = secret('EGG_KEYS');
  config.jwt = {
    secret: secret('JWT_SECRET'),
  };
  const mediaSecrets = {
    publishSecret: secret('MEDIA_PUBLISH_SECRET'),
    playSecret: secret('MEDIA_PLAY_SECRET'),
  };
  checkMediaSecrets(mediaSecrets);
  config.media = mediaSecrets;

  // WeChat Pay is reached over https only in production (the tests' stand-in gateway is plain http on 127.0.0.1).
  const wxpayBase = process.env.WXPAY_BASE_URL;
  if (wxpayBase && !wxpayBase.startsWith('https://')) {
    throw new Error('[cilicl-live] WXPAY_BASE_URL must be an https URL in production');
  }

  // Behind Nginx (the supported deployment): trust X-Forwarded-*; TRUST_PROXY=false when clients reach Egg directly.
  config.proxy = ![ 'false', '0' ].includes(process.env.TRUST_PROXY ?? '');

  return config;
};
