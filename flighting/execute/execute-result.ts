/**
 * The execute-result contract (ExecuteResult, ResultSummary, ExecuteProfile,
 * ExecuteOptions), as flighting names it. The definitions live beside the
 * Build contract in compiler/builds/execute-result.ts, because `Build.execute`
 * returns them and the compiler layer may not import flighting (DESIGN.md's
 * dependency direction); flighting code imports them from here.
 */
export * from '../../compiler/builds/execute-result.ts';
