/** The SkyWay DataConnectionEventMessage shapes (GET /data/connections/{id}/events). */
export type DataConnectionEvent = { event: 'OPEN' } | { event: 'CLOSE' } | { event: 'ERROR'; error_message: string };
