import producers from './producers';
import consumers from './consumers';
import logs from './logs';
import mappings from './mappings';
import meta from './meta';
import stream from './stream';

export default { producers, consumers, logs, mappings, meta, stream };
