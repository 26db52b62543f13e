export * from "./auth";
export * from "./launchers";
export * from "./launchers/mock-launcher";
export { SeededRandom } from "./launchers/mock-results";
export type * from "./model";
export * from "./service";
export * from "./storage";
export * from "./store";
export type * from "./validators";
