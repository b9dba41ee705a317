export default {
  /** Runs before the app is initialised. */
  register() {},
  /** Runs before the app starts. */
  bootstrap() {},
};
