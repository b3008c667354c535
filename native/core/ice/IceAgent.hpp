#pragma once

#include "../common/Random.hpp"
#include "../net/SocketAddress.hpp"
#include "../stun/StunMessage.hpp"
#include "AuthenticatedSources.hpp"
#include "IceCandidate.hpp"
#include "IceChecklist.hpp"
#include "IceRoute.hpp"
#include "IceTimings.hpp"
#include "StunTransactionTable.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wg::ice {

enum class IceRole : uint8_t { Controlling, Controlled };
// Like RTCIceTransportState, minus "disconnected".
enum class IceState : uint8_t { New, Checking, Connected, Completed, Failed, Closed };

const char* iceStateName(IceState state);

struct IceConfig {
  IceRole role = IceRole::Controlled;
  // One entry per local socket: the address it is bound to. The socket index is the position.
  std::vector<net::SocketAddress> hostAddresses;
  // Behind a 1:1 NAT (a cloud VM's mapped public IP): per socket, the IP its host candidate
  // advertises instead of the bound one, with the same port. Unspecified or absent: the bound IP.
  std::vector<net::SocketAddress> advertisedAddresses;
  std::vector<net::SocketAddress> stunServers;
  IceTimings timings;
  // TURN allocations being made for this agent: each is a path of its own, socket index
  // hostAddresses.size() + relay, whose relayed candidate arrives with relayGathered().
  size_t relayPaths = 0;
  // ice_transport_policy "relay": no host or server-reflexive candidate is gathered, signalled
  // or paired; only relayed ones.
  bool relayOnly = false;
  // Empty: generated (RFC 8445 section 5.3: at least 24 bits of ufrag, 128 bits of password).
  std::string localUfrag;
  std::string localPassword;
};

struct IceStats {
  uint64_t checksSent = 0;
  uint64_t checksReceived = 0;
  uint64_t responsesReceived = 0;
  uint64_t consentRequestsSent = 0;
  uint64_t consentResponses = 0;
  uint64_t roleConflicts = 0;
  uint64_t unauthenticated = 0;  // requests or responses whose integrity or username failed
  uint64_t malformed = 0;
  uint64_t restarts = 0;  // RFC 8445 section 9
};

// A full ICE agent (RFC 8445) with trickle (RFC 8838) and consent freshness (RFC 7675) for one
// data stream with one component (BUNDLE + rtcp-mux). Sans-IO: STUN datagrams and the time go
// in; datagrams to send, candidates and state changes come out through the Listener, and
// nextTimeout() says when to call handleTimeout().
class IceAgent {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void onIceSend(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) = 0;
    virtual void onIceLocalCandidate(const Candidate& candidate) = 0;
    virtual void onIceGatheringComplete() = 0;
    virtual void onIceStateChange(IceState state) = 0;
    virtual void onIceSelectedPair(const Candidate& local, const Candidate& remote) = 0;
  };

  IceAgent(IceConfig config, Random& random, Listener& listener);

  const std::string& localUfrag() const { return localUfrag_; }
  const std::string& localPassword() const { return localPassword_; }
  IceRole role() const { return role_; }
  uint64_t tieBreaker() const { return tieBreaker_; }
  IceState state() const { return state_; }
  const IceStats& stats() const { return stats_; }
  // Host candidates now, server-reflexive ones as gathering finds them.
  std::vector<Candidate> localCandidates() const;
  bool gatheringComplete() const { return gatheringComplete_; }

  // Starts gathering and the connect timer.
  void start(int64_t nowUs);
  void setRemoteCredentials(int64_t nowUs, const std::string& ufrag, const std::string& password);
  void addRemoteCandidate(int64_t nowUs, Candidate candidate);
  void setRemoteEndOfCandidates(int64_t nowUs);
  // ICE restart (RFC 8445 section 9, RFC 8839 section 4.4.1.1.1): new local credentials, the
  // peer's new ones, remote candidates and pairs afresh (local candidates, sockets and relays
  // stay). Data keeps the previous selected pair, whose old-credential checks are still answered
  // and whose consent is still refreshed, until a pair of the new generation is nominated. A
  // restart whose checks never succeed leaves that pair in use for as long as consent holds.
  // Empty remote credentials: not known yet (an offerer's restart), see setRemoteCredentials().
  // False, and nothing changed, once ICE failed or closed.
  bool restart(int64_t nowUs, const std::string& remoteUfrag, const std::string& remotePassword);
  uint64_t restarts() const { return stats_.restarts; }
  // Data still goes through the pair selected before the last restart.
  bool restarting() const { return previous_.has_value(); }

  // The socket index ICE uses for relay `relay`'s path.
  int relayPath(size_t relay) const { return static_cast<int>(config_.hostAddresses.size() + relay); }
  bool isRelayPath(int socketIndex) const { return socketIndex >= static_cast<int>(config_.hostAddresses.size()); }
  // A TURN allocation finished gathering: with its relayed candidate (RFC 8445 section 5.1.1.2:
  // related address the mapped one), or without when it failed.
  struct RelayedCandidate {
    net::SocketAddress relayed;
    net::SocketAddress mapped;
    std::string url;
  };
  void relayGathered(int64_t nowUs, size_t relay, const std::optional<RelayedCandidate>& candidate);

  // Handles a STUN datagram (RFC 7983 demux already decided it is STUN).
  void handleStun(int64_t nowUs, int socketIndex, const net::SocketAddress& from, const uint8_t* data, size_t size);
  void handleTimeout(int64_t nowUs);
  std::optional<int64_t> nextTimeout() const;

  // Where application data (DTLS, SRTP) goes: the selected pair, or before any pair is valid
  // the source of the first authenticated check; invalid before that and once ICE failed or closed.
  const IceRoute& route() const { return route_; }
  // Whether data from this source may be trusted: it is the route's remote end, the remote end
  // of a valid pair, or it sent us an authenticated check.
  bool isAuthenticatedSource(int socketIndex, const net::SocketAddress& from) const {
    return route_.sameSource(socketIndex, from) || authenticated_.contains(socketIndex, from);
  }
  // The pair data goes through: nominated if any, else the best valid one, else (before any
  // check of ours succeeded) the path the peer's check came from.
  std::optional<std::pair<Candidate, Candidate>> selectedPair() const;
  const IceChecklist& checklist() const { return checklist_; }
  const IceConfig& config() const { return config_; }

  void close();

private:
  static constexpr size_t kStunBufferSize = 512;

  struct GatherJob {
    int socketIndex;
    net::SocketAddress server;
    bool done = false;
  };

  void handleRequest(int64_t nowUs, int socketIndex, const net::SocketAddress& from, const stun::StunMessage& m);
  void handleResponse(int64_t nowUs, int socketIndex, const net::SocketAddress& from, const stun::StunMessage& m);
  void handleGatherResponse(int64_t nowUs, const StunTransaction& t, const stun::StunMessage& m);
  void handleCheckSuccess(int64_t nowUs, const StunTransaction& t, const stun::StunMessage& m);
  void respond(int socketIndex, const net::SocketAddress& to, const stun::StunMessage& request, uint16_t errorCode,
               const std::string& password);
  bool answerPreviousGeneration(int socketIndex, const net::SocketAddress& from, const stun::StunMessage& m,
                                std::string_view username);
  void sendPreviousConsent(int64_t nowUs);

  void sendCheck(int64_t nowUs, size_t pair, TransactionPurpose purpose);
  void sendNextCheck(int64_t nowUs);
  void scheduleCheckSoon(int64_t nowUs);
  void considerNomination(int64_t nowUs);
  void startNomination(int64_t nowUs, size_t pair);
  void nominate(int64_t nowUs, size_t pair);
  void switchRole(IceRole role);
  void updateRoute(int64_t nowUs);
  void setRoute(int socketIndex, const net::SocketAddress& remote);
  void updateState();
  void checkForFailure(int64_t nowUs);
  void fail();
  void onTransactionExpired(const StunTransaction& t);
  std::optional<int64_t> connectDeadline() const;
  void finishGatherJob(size_t job);
  void maybeGatheringComplete();
  uint32_t peerReflexivePriority(int socketIndex) const;
  uint32_t localPreference(int socketIndex) const;
  stun::TransactionId newTransactionId();

  // The generation whose pair carries data while a restart's checks run (RFC 8445 section 9:
  // the previous pair stays in use until the new one is nominated).
  struct PreviousGeneration {
    std::string localUfrag;
    std::string localPassword;
    std::string remoteUfrag;
    std::string remotePassword;
    Candidate local;
    Candidate remote;
  };

  IceConfig config_;
  Random& random_;
  Listener& listener_;
  IceRole role_;
  std::string localUfrag_;
  std::string localPassword_;
  std::optional<std::string> remoteUfrag_;
  std::optional<std::string> remotePassword_;
  uint64_t tieBreaker_;
  IceState state_ = IceState::New;
  IceChecklist checklist_;
  StunTransactionTable transactions_;
  IceStats stats_;

  int64_t startUs_ = 0;
  bool started_ = false;
  // When the remote's credentials first came: checks can run from then on, so the connect
  // timeout counts from here (or from start(), if that came later), never from before the answer.
  std::optional<int64_t> remoteCredentialsUs_;
  std::optional<int64_t> nextCheckUs_;
  int64_t lastCheckUs_ = INT64_MIN / 2;
  std::optional<int64_t> nominationDeadlineUs_;
  std::optional<size_t> nominatedPair_;
  std::optional<size_t> routePair_;
  IceRoute route_;
  AuthenticatedSources authenticated_;
  std::optional<int64_t> nextConsentUs_;
  int64_t lastConsentUs_ = 0;
  bool remoteEndOfCandidates_ = false;
  std::vector<GatherJob> gatherJobs_;
  bool gatheringComplete_ = false;
  size_t relaysPending_ = 0;
  size_t peerReflexiveCount_ = 0;
  std::optional<PreviousGeneration> previous_;
};

}  // namespace wg::ice
