// Viewer request: the app origin (API Gateway) is reached with its own Host, so the
// host the viewer asked for travels in X-Forwarded-Host (Django: USE_X_FORWARDED_HOST).
function handler(event) {
  var request = event.request;
  if (request.headers.host) {
    request.headers['x-forwarded-host'] = { value: request.headers.host.value };
  }
  return request;
}
