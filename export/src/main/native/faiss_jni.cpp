// JNI shim between dev.recsys.export.faiss.FaissNative and faiss 1.7.3 (Debian's static libfaiss.a).
//
// FaissIndex validates every argument and the index state before calling in, because a C++ exception thrown
// inside an OpenMP region calls std::terminate and takes the JVM down. Each entry point still catches C++
// exceptions at the JNI boundary (outside any OpenMP region) and rethrows them as Java exceptions.
//
// Vectors arrive as row-major Java float[n * d] and are copied into native buffers (Get<Type>ArrayRegion):
// never pinning the Java heap keeps the garbage collector running during long builds and searches.

#include "dev_recsys_export_faiss_FaissNative.h"

#include <cxxabi.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

using idx_t = faiss::Index::idx_t;
static_assert(sizeof(jlong) == sizeof(idx_t), "Java long[] ids are passed to faiss as idx_t");

namespace {

// add() copies at most this many rows at a time, so adding a large array needs a bounded native buffer
// rather than a second copy of the whole array.
constexpr jsize kAddChunkRows = 65536;

constexpr const char* kFaissException = "dev/recsys/export/faiss/FaissException";

faiss::Index* toIndex(jlong handle) {
    return reinterpret_cast<faiss::Index*>(handle);
}

// The index that stores the vectors: an IDMap's sub-index, else the index itself.
faiss::Index* storage(jlong handle) {
    faiss::Index* index = toIndex(handle);
    if (auto* idMap = dynamic_cast<faiss::IndexIDMap*>(index)) {
        return idMap->index;
    }
    return index;
}

faiss::IndexIVF& ivf(jlong handle) {
    auto* index = dynamic_cast<faiss::IndexIVF*>(storage(handle));
    if (index == nullptr) {
        throw std::invalid_argument("not an IVF index");
    }
    return *index;
}

faiss::IndexHNSW& hnsw(jlong handle) {
    auto* index = dynamic_cast<faiss::IndexHNSW*>(storage(handle));
    if (index == nullptr) {
        throw std::invalid_argument("not an HNSW index");
    }
    return *index;
}

void throwJava(JNIEnv* env, const char* className, const char* message) {
    if (env->ExceptionCheck()) {
        return; // a failed JNI call already left its own exception pending
    }
    jclass cls = env->FindClass(className);
    if (cls != nullptr) {
        env->ThrowNew(cls, message);
    }
}

// Returns body(); when it throws, leaves a matching Java exception pending and returns a zero value,
// which Java never sees because the exception is thrown first.
template <typename Body>
auto guarded(JNIEnv* env, Body body) -> decltype(body()) {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        throwJava(env, "java/lang/OutOfMemoryError", "faiss could not allocate native memory");
    } catch (const std::exception& e) { // faiss::FaissException included: what() is faiss's message
        throwJava(env, kFaissException, e.what());
    } catch (...) {
        throwJava(env, kFaissException, "unknown C++ exception in faiss");
    }
    if constexpr (!std::is_void_v<decltype(body())>) {
        return {};
    }
}

// A Java string's modified UTF-8 bytes, released on scope exit.
class Utf8 {
   public:
    Utf8(JNIEnv* env, jstring s) : env_(env), s_(s), chars_(env->GetStringUTFChars(s, nullptr)) {
        if (chars_ == nullptr) {
            throw std::bad_alloc(); // OutOfMemoryError is already pending
        }
    }
    Utf8(const Utf8&) = delete;
    Utf8& operator=(const Utf8&) = delete;
    ~Utf8() {
        env_->ReleaseStringUTFChars(s_, chars_);
    }
    const char* get() const {
        return chars_;
    }

   private:
    JNIEnv* env_;
    jstring s_;
    const char* chars_;
};

std::vector<float> copyFloats(JNIEnv* env, jfloatArray array, jsize from, jsize count) {
    std::vector<float> out(count);
    env->GetFloatArrayRegion(array, from, count, out.data());
    return out;
}

std::vector<idx_t> copyIds(JNIEnv* env, jlongArray array, jsize from, jsize count) {
    std::vector<idx_t> out(count);
    env->GetLongArrayRegion(array, from, count, reinterpret_cast<jlong*>(out.data()));
    return out;
}

// Adds the rows of vectors in chunks, under ids when ids is not null.
void addRows(JNIEnv* env, jlong handle, jint threads, jfloatArray vectors, jlongArray ids) {
    omp_set_num_threads(threads);
    faiss::Index* index = toIndex(handle);
    const jsize d = index->d;
    const jsize n = env->GetArrayLength(vectors) / d;
    for (jsize start = 0; start < n; start += kAddChunkRows) {
        const jsize rows = std::min(kAddChunkRows, n - start);
        std::vector<float> x = copyFloats(env, vectors, start * d, rows * d);
        if (ids == nullptr) {
            index->add(rows, x.data());
        } else {
            std::vector<idx_t> xids = copyIds(env, ids, start, rows);
            index->add_with_ids(rows, x.data(), xids.data());
        }
    }
}

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_recsys_export_faiss_FaissNative_create(
        JNIEnv* env, jclass, jint dim, jstring factoryString, jint metricCode) {
    return guarded(env, [&] {
        Utf8 description(env, factoryString);
        faiss::Index* index = faiss::index_factory(
                dim, description.get(), static_cast<faiss::MetricType>(metricCode));
        return reinterpret_cast<jlong>(index);
    });
}

JNIEXPORT jlong JNICALL Java_dev_recsys_export_faiss_FaissNative_read(JNIEnv* env, jclass, jstring path) {
    return guarded(env, [&] {
        Utf8 file(env, path);
        return reinterpret_cast<jlong>(faiss::read_index(file.get()));
    });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_write(
        JNIEnv* env, jclass, jlong handle, jstring path) {
    guarded(env, [&] {
        Utf8 file(env, path);
        faiss::write_index(toIndex(handle), file.get());
    });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_free(JNIEnv*, jclass, jlong handle) {
    delete toIndex(handle); // IDMap and IVF own their sub-indexes and free them too
}

JNIEXPORT jint JNICALL Java_dev_recsys_export_faiss_FaissNative_kind(JNIEnv*, jclass, jlong handle) {
    faiss::Index* index = storage(handle);
    if (dynamic_cast<faiss::IndexFlat*>(index) != nullptr) {
        return dev_recsys_export_faiss_FaissNative_KIND_FLAT;
    }
    if (dynamic_cast<faiss::IndexIVFFlat*>(index) != nullptr) {
        return dev_recsys_export_faiss_FaissNative_KIND_IVF_FLAT;
    }
    if (dynamic_cast<faiss::IndexHNSWFlat*>(index) != nullptr) {
        return dev_recsys_export_faiss_FaissNative_KIND_HNSW_FLAT;
    }
    return dev_recsys_export_faiss_FaissNative_KIND_UNSUPPORTED;
}

JNIEXPORT jstring JNICALL Java_dev_recsys_export_faiss_FaissNative_typeName(JNIEnv* env, jclass, jlong handle) {
    return guarded(env, [&] {
        const faiss::Index& index = *storage(handle);
        const char* mangled = typeid(index).name();
        int status = 0;
        std::unique_ptr<char, decltype(&std::free)> demangled(
                abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
        return env->NewStringUTF(status == 0 ? demangled.get() : mangled);
    });
}

JNIEXPORT jboolean JNICALL Java_dev_recsys_export_faiss_FaissNative_hasIdMap(JNIEnv*, jclass, jlong handle) {
    return dynamic_cast<faiss::IndexIDMap*>(toIndex(handle)) != nullptr;
}

JNIEXPORT jint JNICALL Java_dev_recsys_export_faiss_FaissNative_dim(JNIEnv*, jclass, jlong handle) {
    return toIndex(handle)->d;
}

JNIEXPORT jint JNICALL Java_dev_recsys_export_faiss_FaissNative_metricCode(JNIEnv*, jclass, jlong handle) {
    return toIndex(handle)->metric_type;
}

JNIEXPORT jboolean JNICALL Java_dev_recsys_export_faiss_FaissNative_isTrained(JNIEnv*, jclass, jlong handle) {
    return toIndex(handle)->is_trained;
}

JNIEXPORT jlong JNICALL Java_dev_recsys_export_faiss_FaissNative_ntotal(JNIEnv*, jclass, jlong handle) {
    return toIndex(handle)->ntotal;
}

JNIEXPORT jlong JNICALL Java_dev_recsys_export_faiss_FaissNative_nlist(JNIEnv* env, jclass, jlong handle) {
    return guarded(env, [&] { return static_cast<jlong>(ivf(handle).nlist); });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_setNprobe(
        JNIEnv* env, jclass, jlong handle, jlong nprobe) {
    guarded(env, [&] { ivf(handle).nprobe = nprobe; });
}

JNIEXPORT jint JNICALL Java_dev_recsys_export_faiss_FaissNative_efSearch(JNIEnv* env, jclass, jlong handle) {
    return guarded(env, [&] { return static_cast<jint>(hnsw(handle).hnsw.efSearch); });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_setEfSearch(
        JNIEnv* env, jclass, jlong handle, jint efSearch) {
    guarded(env, [&] { hnsw(handle).hnsw.efSearch = efSearch; });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_train(
        JNIEnv* env, jclass, jlong handle, jint threads, jfloatArray vectors) {
    guarded(env, [&] {
        omp_set_num_threads(threads);
        faiss::Index* index = toIndex(handle);
        const jsize length = env->GetArrayLength(vectors);
        std::vector<float> x = copyFloats(env, vectors, 0, length);
        index->train(length / index->d, x.data());
    });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_add(
        JNIEnv* env, jclass, jlong handle, jint threads, jfloatArray vectors) {
    guarded(env, [&] { addRows(env, handle, threads, vectors, nullptr); });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_addWithIds(
        JNIEnv* env, jclass, jlong handle, jint threads, jfloatArray vectors, jlongArray ids) {
    guarded(env, [&] { addRows(env, handle, threads, vectors, ids); });
}

JNIEXPORT jlong JNICALL Java_dev_recsys_export_faiss_FaissNative_removeIds(
        JNIEnv* env, jclass, jlong handle, jint threads, jlongArray ids) {
    return guarded(env, [&] {
        omp_set_num_threads(threads);
        const jsize n = env->GetArrayLength(ids);
        std::vector<idx_t> remove = copyIds(env, ids, 0, n);
        faiss::IDSelectorBatch selector(n, remove.data());
        return static_cast<jlong>(toIndex(handle)->remove_ids(selector));
    });
}

JNIEXPORT void JNICALL Java_dev_recsys_export_faiss_FaissNative_search(
        JNIEnv* env, jclass, jlong handle, jint threads, jfloatArray queries, jint k,
        jlongArray ids, jfloatArray scores) {
    guarded(env, [&] {
        omp_set_num_threads(threads);
        faiss::Index* index = toIndex(handle);
        const jsize length = env->GetArrayLength(queries);
        const jsize nq = length / index->d;
        const jsize results = nq * k; // FaissIndex checked that this fits a Java array
        std::vector<float> x = copyFloats(env, queries, 0, length);
        std::vector<float> distances(results);
        std::vector<idx_t> labels(results);
        index->search(nq, x.data(), k, distances.data(), labels.data());
        env->SetFloatArrayRegion(scores, 0, results, distances.data());
        env->SetLongArrayRegion(ids, 0, results, reinterpret_cast<const jlong*>(labels.data()));
    });
}

} // extern "C"
