// Owns the viewer page's script (served as /watch/watch.js, so the page's CSP can forbid inline scripts): it asks
// Kaltura whether the entry is live (liveStream.getDetails under a widget session, as Kaltura's live plugin does),
// shows "not live yet" until it is, then plays it with the unmodified Kaltura Player through that Kaltura.
export const WATCH_SCRIPT = String.raw`(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('watch-config').textContent);
  var kaltura = cfg.serviceUrl || window.location.origin;
  // the station serves HLS over http: asking for the http protocol makes Kaltura redirect to an http URL
  var cdnUrl = kaltura.replace(/^https:/, 'http:');
  var pollMs = cfg.pollSeconds * 1000;
  var slate = document.getElementById('slate');
  var slateText = document.getElementById('slate-text');
  var player = null;
  var timer = null;
  var playing = false;

  function setState(state, text) {
    document.body.setAttribute('data-state', state);
    slate.hidden = state === 'playing';
    if (text) slateText.textContent = text;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, pollMs);
  }

  function broadcastStatus() {
    var body = {
      format: 1, ks: '', clientTag: 'klive-watch', partnerId: cfg.partnerId,
      1: { service: 'session', action: 'startWidgetSession', widgetId: '_' + cfg.partnerId },
      2: { service: 'liveStream', action: 'getDetails', id: cfg.entryId, ks: '{1:result:ks}' }
    };
    return fetch(kaltura + '/api_v3/service/multirequest', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json(); })
      .then(function (results) {
        var details = results && results[1];
        if (!details || details.objectType === 'KalturaAPIException') throw new Error(details ? details.message : 'no answer from Kaltura');
        return details.broadcastStatus;
      });
  }

  function start() {
    if (!player) {
      player = KalturaPlayer.setup({
        targetId: 'player',
        provider: { partnerId: cfg.partnerId, env: { serviceUrl: kaltura + '/api_v3', cdnUrl: cdnUrl } },
        playback: { autoplay: true, allowMutedAutoPlay: true }
      });
      player.addEventListener(KalturaPlayer.core.EventType.ERROR, function (event) {
        var error = event.payload || {};
        if (error.severity === KalturaPlayer.core.Error.Severity.CRITICAL && playing) {
          playing = false;
          setState('waiting', 'The stream stopped. Waiting for it to come back...');
          schedule();
        }
      });
      player.addEventListener(KalturaPlayer.core.EventType.PLAYING, function () { setState('playing'); });
      player.addEventListener(KalturaPlayer.core.EventType.ENDED, function () {
        playing = false;
        setState('waiting', 'The stream ended. Waiting for it to come back...');
        schedule();
      });
    }
    playing = true;
    setState('loading', 'Starting the stream...');
    player.loadMedia({ entryId: cfg.entryId }).catch(function (e) {
      playing = false;
      setState('waiting', 'Not live yet: the stream starts here by itself.');
      console.warn('loadMedia failed', e);
      schedule();
    });
  }

  function poll() {
    broadcastStatus().then(function (status) {
      if (status === 3) start();
      else {
        setState('waiting', 'Not live yet: the stream starts here by itself.');
        schedule();
      }
    }, function (e) {
      setState('waiting', 'Cannot reach Kaltura (' + e.message + '); trying again...');
      schedule();
    });
  }

  poll();
})();
`;
