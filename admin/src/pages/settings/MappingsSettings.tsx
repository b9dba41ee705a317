import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';

import { PERMISSIONS } from '../../constants';

import { MappingEditPage } from './MappingEditPage';
import { MappingsListPage } from './MappingsListPage';

/** Settings → Event Streaming → Mappings (`/settings/event-streaming/mappings/*`). */
const MappingsSettings = () => (
  <Page.Protect permissions={PERMISSIONS.mappings}>
    <Routes>
      <Route index element={<MappingsListPage />} />
      <Route path="create" element={<MappingEditPage />} />
      <Route path=":id" element={<MappingEditPage />} />
    </Routes>
  </Page.Protect>
);

export { MappingsSettings };
export default MappingsSettings;
