// A static SPA: PocketBase serves build/index.html for every path, and all data
// comes from the device's replica or the API at run time.
export const ssr = false;
export const prerender = false;
