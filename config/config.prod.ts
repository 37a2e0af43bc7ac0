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

  // Which pages may call the API is a decision, not a default: even '*' is set explicitly (config.default.ts reads it).
  if (!process.env.CORS_ORIGINS) {
    throw new Error('[cilicl-live] CORS_ORIGINS must be set in production (EGG_SERVER_ENV=prod): the origins of your H5 builds, comma-separated, or * for any');
  }

  // Behind Nginx (the supported deployment): trust X-Forwarded-*; TRUST_PROXY=false when clients reach Egg directly.
  config.proxy = ![ 'false', '0' ].includes(process.env.TRUST_PROXY ?? '');

  return config;
};
