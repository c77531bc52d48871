export {
  createFakeGitLab,
  type FakeGitLab,
  type FakeGitLabOptions,
  type RecordedRequest,
} from './fake-gitlab.ts';
export { type FakeFault, type FaultMatch, faults } from './faults.ts';
export type {
  FakeCommit,
  FakeEvent,
  FakeIssue,
  FakeMergeRequest,
  FakeNote,
  FakePipeline,
  FakeProject,
  FakeScenario,
  FakeTimelog,
  FakeToken,
  FakeUser,
} from './scenario.ts';
export type { RateLimitOptions } from './security.ts';
