import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';

import { QueryProvider } from '../../api/QueryProvider';
import { PERMISSIONS } from '../../constants';

import { MappingEditPage } from './MappingEditPage';
import { MappingsListPage } from './MappingsListPage';

/** Settings → Event Streaming → Mappings (`/settings/event-streaming/mappings/*`). */
const MappingsSettings = () => (
  <QueryProvider>
    <Page.Protect permissions={PERMISSIONS.mappings}>
      <Routes>
        <Route index element={<MappingsListPage />} />
        <Route path="create" element={<MappingEditPage />} />
        <Route path=":id" element={<MappingEditPage />} />
      </Routes>
    </Page.Protect>
  </QueryProvider>
);

export { MappingsSettings };
export default MappingsSettings;
