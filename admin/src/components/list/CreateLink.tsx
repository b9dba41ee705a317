import { LinkButton } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { Link as RouterLink } from 'react-router-dom';

/** The "Add …" button of a list page: opens the page's `create` route. */
export const CreateLink = ({ label }: { label: string }) => (
  <LinkButton tag={RouterLink} to="create" startIcon={<Plus />}>
    {label}
  </LinkButton>
);
