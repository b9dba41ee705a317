import { Layouts, Page } from '@strapi/strapi/admin';
import { Navigate, Route, Routes } from 'react-router-dom';

import { QueryProvider } from '../api/QueryProvider';
import { PluginNav } from '../components/PluginNav';
import { PERMISSIONS } from '../constants';

import { ConsumersPage } from './consumers/ConsumersPage';
import { SyncLogPage } from './logs/SyncLogPage';
import { UpdateLogPage } from './logs/UpdateLogPage';
import { ProducerEditPage } from './producers/ProducerEditPage';
import { ProducersPage } from './producers/ProducersPage';
import { ReviewPage } from './review/ReviewPage';

/** The plugin's page (left menu → Event Streaming): side navigation + one route per screen. */
const App = () => (
  <QueryProvider>
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
          <Route path="review" element={<ReviewPage />} />
          <Route path="*" element={<Navigate to="producers" replace />} />
        </Routes>
      </Layouts.Root>
    </Page.Protect>
  </QueryProvider>
);

export { App };
export default App;
