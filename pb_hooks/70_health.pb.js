/// <reference path="../pb_data/types.d.ts" />
// A health view for the school's IT person and coordinators (README,
// "Monitoring"): sync figures, stale devices, database and backups.

routerAdd('GET', '/api/markbook/health', (e) => require(`${__hooks}/office/health.js`).health(e));
