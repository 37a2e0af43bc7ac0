// Development values of the secrets, committed in the repository: only local and unittest may run with them.
export const DEVELOPMENT_SECRETS = {
  EGG_KEYS: 'cilicl-live_development_cookie_keys',
  JWT_SECRET: 'cilicl-live_development_jwt_secret',
  MEDIA_PUBLISH_SECRET: 'cilicl-live_development_publish_secret',
  MEDIA_PLAY_SECRET: 'cilicl-live_development_play_secret',
};

export type SecretName = keyof typeof DEVELOPMENT_SECRETS;

// A developer's machine and the unit tests; every other environment name (prod, production, staging...) is a deployment.
export const DEVELOPMENT_ENVS = [ 'local', 'unittest' ];

// A media signature is MD5 over known text and the secret: a short secret could be found offline from one signed URL.
export const MIN_SECRET_LENGTH = 32;

// The secret `name` for Egg environment `serverEnv`: the environment's value, else (local and unittest only) the
// development one. A deployment refuses to start on an unset, committed or short secret, naming the variable.
export function secret(name: SecretName, serverEnv: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name] || '';
  if (DEVELOPMENT_ENVS.includes(serverEnv)) return value || DEVELOPMENT_SECRETS[name];
  // EGG_KEYS is a comma-separated list: the first key signs, every key is accepted, so each must hold.
  const parts = name === 'EGG_KEYS' ? value.split(',').map(part => part.trim()) : [ value ];
  if (!value || parts.includes(DEVELOPMENT_SECRETS[name])) {
    throw new Error(`[cilicl-live] ${name} must be set to a secret of your own outside local and unittest (EGG_SERVER_ENV=${serverEnv}); refusing to start with the development default`);
  }
  if (parts.some(part => part.length < MIN_SECRET_LENGTH)) {
    throw new Error(`[cilicl-live] ${name} must be at least ${MIN_SECRET_LENGTH} characters outside local and unittest (EGG_SERVER_ENV=${serverEnv}); \`openssl rand -hex 32\` makes one`);
  }
  return value;
}
