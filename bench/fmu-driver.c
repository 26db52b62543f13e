/*
 * The baseline of bench/fmu.bench.ts: a minimal FMI 2.0 co-simulation driver in C that
 * dlopens an FMU's shared library and does what the validator's worker does per step
 * (fmi2DoStep, then fmi2GetReal/GetInteger/GetBoolean of the outputs, then one CSV row),
 * and prints the stepping loop's time as JSON.
 *
 * Usage: fmu-driver <library.so> <guid> <resource-uri> <steps> <step-size> <csv-path>
 * Built by the benchmark with: cc -O2 -o fmu-driver fmu-driver.c -ldl
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void *Component;
typedef void (*Logger)(void *, const char *, int, const char *, const char *, ...);
typedef struct {
  Logger logger;
  void *(*allocateMemory)(size_t, size_t);
  void (*freeMemory)(void *);
  void *stepFinished;
  void *componentEnvironment;
} Callbacks;

typedef Component (*InstantiateFn)(const char *, int, const char *, const char *,
                                   const Callbacks *, int, int);
typedef int (*SetupFn)(Component, int, double, double, int, double);
typedef int (*ComponentFn)(Component);
typedef void (*FreeFn)(Component);
typedef int (*DoStepFn)(Component, double, double, int);
typedef int (*GetRealFn)(Component, const unsigned *, size_t, double *);
typedef int (*GetIntFn)(Component, const unsigned *, size_t, int *);

static void quiet(void *env, const char *name, int status, const char *category,
                  const char *message, ...) {
  (void)env;
  (void)name;
  (void)status;
  (void)category;
  (void)message;
}

static void *need(void *library, const char *name) {
  void *symbol = dlsym(library, name);
  if (!symbol) {
    fprintf(stderr, "missing %s\n", name);
    exit(2);
  }
  return symbol;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s lib guid resources steps step csv\n", argv[0]);
    return 2;
  }
  void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    fprintf(stderr, "%s\n", dlerror());
    return 2;
  }
  InstantiateFn instantiate = (InstantiateFn)need(library, "fmi2Instantiate");
  SetupFn setup = (SetupFn)need(library, "fmi2SetupExperiment");
  ComponentFn enter = (ComponentFn)need(library, "fmi2EnterInitializationMode");
  ComponentFn exit_init = (ComponentFn)need(library, "fmi2ExitInitializationMode");
  ComponentFn terminate = (ComponentFn)need(library, "fmi2Terminate");
  FreeFn free_instance = (FreeFn)need(library, "fmi2FreeInstance");
  DoStepFn do_step = (DoStepFn)need(library, "fmi2DoStep");
  GetRealFn get_real = (GetRealFn)need(library, "fmi2GetReal");
  GetIntFn get_integer = (GetIntFn)need(library, "fmi2GetInteger");
  GetIntFn get_boolean = (GetIntFn)need(library, "fmi2GetBoolean");

  long steps = atol(argv[4]);
  double h = atof(argv[5]);
  FILE *csv = fopen(argv[6], "w");
  if (!csv) return 2;
  Callbacks callbacks = {quiet, calloc, free, NULL, NULL};
  Component c = instantiate("FirstOrder", 1, argv[2], argv[3], &callbacks, 0, 1);
  if (!c) return 3;
  if (setup(c, 0, 0, 0, 1, steps * h) > 1 || enter(c) > 1 || exit_init(c) > 1) return 3;

  const unsigned x_ref = 4, steps_ref = 5, halfway_ref = 6;
  double x;
  int count, halfway;
  fprintf(csv, "time,x,steps,halfway\n");
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long k = 0; k < steps; k++) {
    double t = k * h;
    if (do_step(c, t, h, 1) > 1) return 4;
    get_real(c, &x_ref, 1, &x);
    get_integer(c, &steps_ref, 1, &count);
    get_boolean(c, &halfway_ref, 1, &halfway);
    fprintf(csv, "%.17g,%.17g,%d,%d\n", t + h, x, count, halfway);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  terminate(c);
  free_instance(c);
  fclose(csv);
  double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
  printf("{\"steps\": %ld, \"loopSeconds\": %.9f, \"x\": %.17g}\n", steps, seconds, x);
  return 0;
}
