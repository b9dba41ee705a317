export default ({ env }) => {
  const host = env('HOST', '127.0.0.1');
  const port = env.int('PORT', 1337);
  return {
    host,
    port,
    url: env('PUBLIC_URL', `http://${host}:${port}`),
    app: { keys: env.array('APP_KEYS', ['playgroundKeyA', 'playgroundKeyB']) },
    logger: { updates: { enabled: false }, startup: { enabled: env.bool('STRAPI_STARTUP_LOG', false) } },
  };
};
