import config from './config';
import contentTypes from './content-types';

export default {
  config,
  contentTypes,
  register() {},
  bootstrap() {},
  destroy() {},
  routes: {},
  controllers: {},
  services: {},
  policies: {},
};
