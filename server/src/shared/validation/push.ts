/**
 * Producer side, admin API: POST /consumers/push (README "Push mode"), the body the admin's
 * "Connect a push consumer" form sends, checked by controllers/push.ts `connect` with the same messages;
 * whether the URL answers, and the token is right, only the consumer can say.
 */
import { bodyObject, boundedString, LIMITS, TOKEN_RE, urlString } from './common';

export const CONSUMER_URL_MESSAGE = 'consumerUrl must be the consumer site URL';
export const PUSH_TOKEN_MESSAGE = 'token must be the push token the consumer site minted (8-1024 visible characters)';

export const connectPushSchema = bodyObject({
  consumerUrl: urlString('consumerUrl')
    .required(CONSUMER_URL_MESSAGE)
    .matches(/^https?:\/\/[^\s/?#]+[^\s]*$/i, CONSUMER_URL_MESSAGE),
  token: boundedString(LIMITS.token, PUSH_TOKEN_MESSAGE).required(PUSH_TOKEN_MESSAGE).matches(TOKEN_RE, PUSH_TOKEN_MESSAGE),
});
