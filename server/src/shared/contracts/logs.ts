/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/** Admin API: the Update Log (producer side) and the Sync Log (consumer side). */
import type { IdParams } from './common';
import type { Paged, ResyncFailedResult, SyncLogEntry, SyncStatus, UpdateLogEntry, UpdateType } from './models';

/** Paging of the log lists: 1-based `page`, `pageSize` 1-100 (larger is served at 100). */
export interface PagingQuery {
  page?: string;
  pageSize?: string;
}

/** GET /update-logs */
export declare namespace FindUpdateLogs {
  export interface Request {
    query: PagingQuery & { contentType?: string; updateType?: UpdateType | ''; documentId?: string };
  }
  export type Response = Paged<UpdateLogEntry>;
}

/** GET /sync-logs */
export declare namespace FindSyncLogs {
  export interface Request {
    query: PagingQuery & { status?: SyncStatus | ''; contentType?: string; producerId?: string };
  }
  export type Response = Paged<SyncLogEntry>;
}

/** GET /sync-logs/:id */
export declare namespace FindSyncLog {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: SyncLogEntry;
  }
}

/** POST /sync-logs/:id/resync: retry one entry now. */
export declare namespace ResyncSyncLog {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: SyncLogEntry;
  }
}

/** POST /sync-logs/resync-failed: retry every Failed entry (of one producer). */
export declare namespace ResyncFailed {
  export interface Request {
    body: { producerId?: number };
  }
  export interface Response {
    data: ResyncFailedResult;
  }
}
