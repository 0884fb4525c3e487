// Public surface of the trajectory manager (isomorphic: no server-only imports).
export { TrajectoryManager, DEFAULT_FORK_THRESHOLD } from "./manager";
export type { RecordTurnInput, RecordTurnOutcome, TrajectoryPreview } from "./manager";
export { linearize } from "./linearize";
export type { ExplainedSample, LinearizeOptions, LinearizeResult } from "./linearize";
export { tokenKinds, tokenKindLabel, tokenKindsOf, driftKinds, commonPrefixLen } from "./builder";
export type { TokenKind, TokenSpan, DriftKind, DriftEvent } from "./builder";
export { branchKinds, branchKindLabel, buildTreeView, classifyBranch } from "./view";
export type { BranchKind, BranchPoint, TreeNodeView, TrajectoryTreeView } from "./view";
export type { MergedRewrite } from "./tree";
export * from "./schema";
export { exportTrajectorySession, runTrajectorySession } from "./session";
export {
  AGENT_TRAJECTORY_KEY,
  agentTrajectoryInfoSchema,
  compactTree,
  compactTreeSchema,
  exportTrajectory,
  messagePreview,
  trajectoryExportLineSchema,
} from "./export";
export type { AgentTrajectoryInfo, CompactNode, CompactTree, TrajectoryExportLine } from "./export";
