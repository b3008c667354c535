/** The SkyWay MediaConnectionEventMessage shapes (GET /media/connections/{id}/events). */
export type MediaConnectionEvent =
  | { event: 'READY' }
  | { event: 'STREAM' }
  | { event: 'CLOSE' }
  | { event: 'ERROR'; error_message: string };
