import path from 'path';

/**
 * DATABASE_CLIENT=sqlite (default) | postgres | mysql (MySQL or MariaDB, through mysql2).
 * Config is compiled to dist/config, so the app root is two levels up from here at runtime
 * (and one level up when read from source, e.g. by `strapi build`): find it by walking up
 * to the folder holding this app's package.json.
 */
function appRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i += 1) {
    try {
      if (require(path.join(dir, 'package.json')).name === 'event-streaming-playground') return dir;
    } catch {
      /* keep walking */
    }
    dir = path.dirname(dir);
  }
  return path.join(__dirname, '..', '..');
}

export default ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  const file = env('DATABASE_FILENAME', '.tmp/data.db');
  const connections = {
    sqlite: {
      connection: { filename: path.isAbsolute(file) ? file : path.join(appRoot(), file) },
      useNullAsDefault: true,
    },
    postgres: {
      connection: env('DATABASE_URL')
        ? { connectionString: env('DATABASE_URL'), ssl: env.bool('DATABASE_SSL', false) }
        : {
            host: env('DATABASE_HOST', '127.0.0.1'),
            port: env.int('DATABASE_PORT', 5432),
            database: env('DATABASE_NAME', 'strapi'),
            user: env('DATABASE_USERNAME', 'strapi'),
            password: env('DATABASE_PASSWORD', 'strapi'),
            schema: env('DATABASE_SCHEMA', 'public'),
            ssl: env.bool('DATABASE_SSL', false),
          },
      pool: { min: env.int('DATABASE_POOL_MIN', 0), max: env.int('DATABASE_POOL_MAX', 5) },
    },
    mysql: {
      connection: env('DATABASE_URL')
        ? { uri: env('DATABASE_URL') }
        : {
            host: env('DATABASE_HOST', '127.0.0.1'),
            port: env.int('DATABASE_PORT', 3306),
            database: env('DATABASE_NAME', 'strapi'),
            user: env('DATABASE_USERNAME', 'strapi'),
            password: env('DATABASE_PASSWORD', 'strapi'),
            ssl: env.bool('DATABASE_SSL', false) ? {} : undefined,
          },
      pool: { min: env.int('DATABASE_POOL_MIN', 0), max: env.int('DATABASE_POOL_MAX', 5) },
    },
  };
  if (!connections[client]) throw new Error(`DATABASE_CLIENT must be sqlite, postgres or mysql, got "${client}"`);
  return {
    connection: {
      client,
      ...connections[client],
      acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000),
    },
  };
};
