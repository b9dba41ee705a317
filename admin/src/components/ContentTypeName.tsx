import { Flex, Typography } from '@strapi/design-system';

import type { StreamableContentType } from '../api';

interface ContentTypeNameProps {
  uid: string;
  byUid?: Map<string, StreamableContentType>;
}

/** A content type's display name (when known locally) above its UID. */
export const ContentTypeName = ({ uid, byUid }: ContentTypeNameProps) => {
  const known = byUid?.get(uid);
  if (!known) {
    return <Typography fontWeight="semiBold">{uid}</Typography>;
  }
  return (
    <Flex direction="column" alignItems="flex-start">
      <Typography fontWeight="semiBold">{known.displayName}</Typography>
      <Typography variant="pi" textColor="neutral600">
        {uid}
      </Typography>
    </Flex>
  );
};
