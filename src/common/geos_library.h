// GEOS's C API, loaded on first use (dlopen of libgeos_c.so.1) rather than linked.
//
// Linking GEOS costs every process the loading and relocation of libgeos_c and libgeos (C++)
// at startup, 15–45 ms on a loaded machine, even when no polygon is ever met: box archives must
// not pay for polygons (bench/README.md, "Box archives and GEOS"). So the library is opened the
// first time a polygon is built, and each function used is a pointer of the same name as GEOS's
// own, in namespace georune::geos: code in namespace georune::geos (polygon.cpp) calls
// GEOSArea_r(...) as if linked.
#pragma once

#include <geos_c.h>

#include "georune/common/status.h"

namespace georune::geos {

// Opens GEOS once per process (thread-safe) and binds every function below. kUnavailable
// (exit status 1) when the library or one of its functions cannot be found, naming it, with a
// hint to install it. $GEORUNE_GEOS_LIBRARY overrides the file opened (for tests).
Status Load();

// The GEOS functions polygon.cpp uses; null until Load() has succeeded.
#define GEORUNE_GEOS_FUNCTIONS(X)           \
  X(GEOS_init_r)                            \
  X(GEOS_finish_r)                          \
  X(GEOSContext_setErrorMessageHandler_r)   \
  X(GEOSFree_r)                             \
  X(GEOSArea_r)                             \
  X(GEOSDistance_r)                         \
  X(GEOSIntersection_r)                     \
  X(GEOSGetCentroid_r)                      \
  X(GEOSMinimumRotatedRectangle_r)          \
  X(GEOSisEmpty_r)                          \
  X(GEOSisValid_r)                          \
  X(GEOSisValidDetail_r)                    \
  X(GEOSMakeValidParams_create_r)           \
  X(GEOSMakeValidParams_destroy_r)          \
  X(GEOSMakeValidParams_setKeepCollapsed_r) \
  X(GEOSMakeValidParams_setMethod_r)        \
  X(GEOSMakeValidWithParams_r)              \
  X(GEOSCoordSeq_create_r)                  \
  X(GEOSCoordSeq_getSize_r)                 \
  X(GEOSCoordSeq_getXY_r)                   \
  X(GEOSCoordSeq_setXY_r)                   \
  X(GEOSGeom_createCollection_r)            \
  X(GEOSGeom_createLineString_r)            \
  X(GEOSGeom_createLinearRing_r)            \
  X(GEOSGeom_createPoint_r)                 \
  X(GEOSGeom_createPolygon_r)               \
  X(GEOSGeom_destroy_r)                     \
  X(GEOSGeom_getCoordSeq_r)                 \
  X(GEOSGeom_getXMax_r)                     \
  X(GEOSGeom_getXMin_r)                     \
  X(GEOSGeom_getYMax_r)                     \
  X(GEOSGeom_getYMin_r)                     \
  X(GEOSGeomGetX_r)                         \
  X(GEOSGeomGetY_r)                         \
  X(GEOSGeomTypeId_r)                       \
  X(GEOSGeomType_r)                         \
  X(GEOSGetExteriorRing_r)                  \
  X(GEOSGetGeometryN_r)                     \
  X(GEOSGetInteriorRingN_r)                 \
  X(GEOSGetNumGeometries_r)                 \
  X(GEOSGetNumInteriorRings_r)              \
  X(GEOSWKBReader_create_r)                 \
  X(GEOSWKBReader_destroy_r)                \
  X(GEOSWKBReader_read_r)                   \
  X(GEOSWKBWriter_create_r)                 \
  X(GEOSWKBWriter_destroy_r)                \
  X(GEOSWKBWriter_setByteOrder_r)           \
  X(GEOSWKBWriter_setOutputDimension_r)     \
  X(GEOSWKBWriter_write_r)                  \
  X(GEOSWKTReader_create_r)                 \
  X(GEOSWKTReader_destroy_r)                \
  X(GEOSWKTReader_read_r)                   \
  X(GEOSWKTWriter_create_r)                 \
  X(GEOSWKTWriter_destroy_r)                \
  X(GEOSWKTWriter_setRoundingPrecision_r)   \
  X(GEOSWKTWriter_setTrim_r)                \
  X(GEOSWKTWriter_write_r)

// An object (not a function) of the same name hides GEOS's declaration from ordinary lookup and
// argument-dependent lookup alike, so that no GEOS symbol is referenced.
#define GEORUNE_GEOS_DECLARE(name) extern decltype(&::name) name;  // NOLINT(bugprone-macro-parentheses): a name
GEORUNE_GEOS_FUNCTIONS(GEORUNE_GEOS_DECLARE)
#undef GEORUNE_GEOS_DECLARE

}  // namespace georune::geos
