import { Layouts, Page } from '@strapi/strapi/admin';
import { Navigate, Route, Routes } from 'react-router-dom';

import { PluginNav } from '../components/PluginNav';
import { PERMISSIONS } from '../constants';

import { ConsumersPage } from './ConsumersPage';
import { ProducerEditPage } from './ProducerEditPage';
import { ProducersPage } from './ProducersPage';
import { SyncLogPage } from './SyncLogPage';
import { UpdateLogPage } from './UpdateLogPage';

/** The plugin's page (left menu → Event Streaming): side navigation + one route per screen. */
const App = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <Layouts.Root sideNav={<PluginNav />}>
      <Routes>
        <Route index element={<Navigate to="producers" replace />} />
        <Route path="producers" element={<ProducersPage />} />
        <Route path="producers/create" element={<ProducerEditPage />} />
        <Route path="producers/:id" element={<ProducerEditPage />} />
        <Route path="consumers" element={<ConsumersPage />} />
        <Route path="update-log" element={<UpdateLogPage />} />
        <Route path="sync-log" element={<SyncLogPage />} />
        <Route path="*" element={<Navigate to="producers" replace />} />
      </Routes>
    </Layouts.Root>
  </Page.Protect>
);

export { App };
export default App;
