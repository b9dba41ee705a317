import { Flex, Typography } from '@strapi/design-system';

import { useContentTypes } from '../api/hooks';

/** A content type's display name (when known on this site) above its UID. */
export const ContentTypeName = ({ uid }: { uid: string }) => {
  const known = useContentTypes().byUid.get(uid);
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
