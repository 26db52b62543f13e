import type { Koffi } from "./fmi-session";

/**
 * CVODE of SUNDIALS 6 as Debian's `libsundials-cvode6` installs it: one library that also
 * holds the serial N_Vector and the dense matrix and linear solver. `VALIDIBOT_CVODE_LIBRARY`
 * names another path (a SUNDIALS 6 build elsewhere).
 */
export const CVODE_LIBRARY = "libsundials_cvode.so.6";

/** `CVode` return flags the integrator branches on. */
export const CV_SUCCESS = 0;
/** `CVode` reached the stop time. */
export const CV_TSTOP_RETURN = 1;
/** `CVode` found a root of the event indicators. */
export const CV_ROOT_RETURN = 2;
/** Backward differentiation formulas (stiff problems). */
export const CV_BDF = 2;
/** `CVode` in normal mode: integrate to `tout` and interpolate. */
export const CV_NORMAL = 1;

type Fn = (...args: unknown[]) => unknown;

/** The bound CVODE functions and the callback types of its right-hand side and roots. */
export interface CvodeLibrary {
  koffi: Koffi;
  /** `int (*)(double t, N_Vector y, N_Vector ydot, void *user)`. */
  rhsType: unknown;
  /** `int (*)(double t, N_Vector y, double *gout, void *user)`. */
  rootType: unknown;
  SUNContext_Create: Fn;
  SUNContext_Free: Fn;
  N_VNew_Serial: Fn;
  N_VDestroy: Fn;
  N_VGetArrayPointer: Fn;
  SUNDenseMatrix: Fn;
  SUNMatDestroy: Fn;
  SUNLinSol_Dense: Fn;
  SUNLinSolFree: Fn;
  CVodeCreate: Fn;
  CVodeInit: Fn;
  CVodeReInit: Fn;
  CVodeSVtolerances: Fn;
  CVodeSetLinearSolver: Fn;
  CVodeRootInit: Fn;
  CVodeSetStopTime: Fn;
  CVodeSetMaxNumSteps: Fn;
  CVodeGetRootInfo: Fn;
  CVodeGetNumSteps: Fn;
  CVode: Fn;
  CVodeFree: Fn;
}

/** CVODE, or why it could not be loaded. */
export type CvodeLoad = { ok: true; library: CvodeLibrary } | { ok: false; reason: string };

/**
 * Loads CVODE through koffi, as the FMU itself is loaded. Returns why not when a library or
 * function is missing (the caller then falls back to explicit Euler or reports it).
 */
export function loadCvode(koffi: Koffi): CvodeLoad {
  try {
    const cvode = koffi.load(process.env.VALIDIBOT_CVODE_LIBRARY || CVODE_LIBRARY);
    // The RHS callback gets N_Vectors as opaque pointers; the root callback writes into gout.
    const rhsType = koffi.pointer(koffi.proto("int cvode_rhs(double, void *, void *, void *)"));
    const rootType = koffi.pointer(koffi.proto("int cvode_root(double, void *, void *, void *)"));
    return {
      ok: true,
      library: {
        koffi,
        rhsType,
        rootType,
        SUNContext_Create: cvode.func("int SUNContext_Create(void *, _Out_ void **)"),
        SUNContext_Free: cvode.func("int SUNContext_Free(_Inout_ void **)"),
        N_VNew_Serial: cvode.func("void *N_VNew_Serial(int64_t, void *)"),
        N_VDestroy: cvode.func("void N_VDestroy(void *)"),
        N_VGetArrayPointer: cvode.func("void *N_VGetArrayPointer(void *)"),
        SUNDenseMatrix: cvode.func("void *SUNDenseMatrix(int64_t, int64_t, void *)"),
        SUNMatDestroy: cvode.func("void SUNMatDestroy(void *)"),
        SUNLinSol_Dense: cvode.func("void *SUNLinSol_Dense(void *, void *, void *)"),
        SUNLinSolFree: cvode.func("int SUNLinSolFree(void *)"),
        CVodeCreate: cvode.func("void *CVodeCreate(int, void *)"),
        CVodeInit: cvode.func("CVodeInit", "int", ["void *", rhsType, "double", "void *"]),
        CVodeReInit: cvode.func("int CVodeReInit(void *, double, void *)"),
        CVodeSVtolerances: cvode.func("int CVodeSVtolerances(void *, double, void *)"),
        CVodeSetLinearSolver: cvode.func("int CVodeSetLinearSolver(void *, void *, void *)"),
        CVodeRootInit: cvode.func("CVodeRootInit", "int", ["void *", "int", rootType]),
        CVodeSetStopTime: cvode.func("int CVodeSetStopTime(void *, double)"),
        CVodeSetMaxNumSteps: cvode.func("int CVodeSetMaxNumSteps(void *, long)"),
        CVodeGetRootInfo: cvode.func("int CVodeGetRootInfo(void *, _Out_ int *)"),
        CVodeGetNumSteps: cvode.func("int CVodeGetNumSteps(void *, _Out_ long *)"),
        CVode: cvode.func("int CVode(void *, double, void *, _Out_ double *, int)"),
        CVodeFree: cvode.func("void CVodeFree(_Inout_ void **)"),
      },
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
