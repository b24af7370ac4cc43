// One SRP worker thread (srpPool.ts): runs each job it is sent, in order, and answers it.
// It holds no state but OpenSSL's group object; a password it is sent lives only as long as
// the job and is never logged.
import { parentPort } from "node:worker_threads";
import { runJob, type SrpJob } from "./srpJobs.js";

parentPort?.on("message", (job: SrpJob) => {
  parentPort?.postMessage(runJob(job));
});
