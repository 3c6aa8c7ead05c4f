// The plumbing every promise-returning function of the addon shares: a job run on a libuv thread, its
// input kept alive until then, its promise settled on the JavaScript thread.
#include <stdlib.h>

#include "addon.h"

napi_value queue_job(napi_env env, AsyncJob *job, napi_value input, const char *name, napi_async_execute_callback execute,
                     napi_async_complete_callback complete) {
  napi_value promise, resource_name;
  napi_create_promise(env, &job->deferred, &promise);
  // Keeps the input alive (and its bytes in place) until the job on the libuv thread is done with it.
  napi_create_reference(env, input, 1, &job->input_ref);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name);
  napi_create_async_work(env, NULL, resource_name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

void finish_job(napi_env env, AsyncJob *job) {
  napi_delete_reference(env, job->input_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}
